scholiaSearch.shard("we",{"w":{"western":"western"},"p":{"western":[0,9,214]},"e":{},"d":{}});
