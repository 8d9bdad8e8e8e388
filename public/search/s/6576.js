scholiaSearch.shard("ev",{"w":{"even":"even"},"p":{"even":[0,9,295]},"e":{},"d":{}});
