"""Ports of legacy framework subclasses (runners, LR updaters, ...) to their MMEngine
counterparts, one module per kind; the HK rules call them and report what they could not
carry."""
