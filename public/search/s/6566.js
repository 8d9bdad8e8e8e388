scholiaSearch.shard("ef",{"w":{"effort":"effort"},"p":{"effort":[0,10,283]},"e":{},"d":{}});
