scholiaSearch.shard("fl",{"w":{"floor":"floor"},"p":{"floor":[0,3,311]},"e":{},"d":{}});
