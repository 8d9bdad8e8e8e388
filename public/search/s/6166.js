scholiaSearch.shard("af",{"w":{"affiliated":"affili","after":"after"},"p":{"affili":[0,12,177],"after":[0,11,235]},"e":{},"d":{}});
