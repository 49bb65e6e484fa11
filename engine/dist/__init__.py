"""torch.distributed helpers that degrade to no-ops in a single process."""
from engine.dist.utils import (all_gather_object, all_reduce, all_reduce_params, barrier,
                               broadcast, broadcast_object, collect_results, destroy_dist,
                               get_dist_info, get_rank, get_world_size, init_dist, is_distributed,
                               is_main_process, master_only, sync_random_seed)

__all__ = ['all_gather_object', 'all_reduce', 'all_reduce_params', 'barrier', 'broadcast',
           'broadcast_object', 'collect_results', 'destroy_dist', 'get_dist_info', 'get_rank',
           'get_world_size', 'init_dist', 'is_distributed', 'is_main_process', 'master_only',
           'sync_random_seed']
