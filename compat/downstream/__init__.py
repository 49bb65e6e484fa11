"""What the downstream codebases' train scripts (MMDet 2.x, MMSeg/MMCls/MMSelfSup 0.x) did with
config keys MMCV itself never read. Torch-free: the converter reads it too."""
