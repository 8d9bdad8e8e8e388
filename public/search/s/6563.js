scholiaSearch.shard("ec",{"w":{"economic":"econom"},"p":{"econom":[0,12,177]},"e":{},"d":{}});
