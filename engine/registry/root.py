"""The engine's registries, one per kind of buildable object.

Type names are those of MMEngine so that one config runs on both.
"""
from engine.registry.registry import Registry

MODELS = Registry('model')
MODEL_WRAPPERS = Registry('model wrapper')
DATASETS = Registry('dataset')
TRANSFORMS = Registry('transform')
DATA_SAMPLERS = Registry('data sampler')
FUNCTIONS = Registry('function')  # collate functions
HOOKS = Registry('hook')
LOOPS = Registry('loop')
OPTIMIZERS = Registry('optimizer')
OPTIM_WRAPPERS = Registry('optim wrapper')
OPTIM_WRAPPER_CONSTRUCTORS = Registry('optim wrapper constructor')
PARAM_SCHEDULERS = Registry('param scheduler')
METRICS = Registry('metric')
EVALUATOR = Registry('evaluator')
LOG_PROCESSORS = Registry('log processor')
VISBACKENDS = Registry('vis backend')
VISUALIZERS = Registry('visualizer')
RUNNERS = Registry('runner')
WEIGHT_INITIALIZERS = Registry('weight initializer')
