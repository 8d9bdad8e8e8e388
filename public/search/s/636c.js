scholiaSearch.shard("cl",{"w":{"closer":"closer"},"p":{"closer":[0,1,225]},"e":{},"d":{}});
