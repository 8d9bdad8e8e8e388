scholiaSearch.shard("ho",{"w":{"how":"how"},"p":{"how":[0,1,171,0,6,142]},"e":{},"d":{}});
