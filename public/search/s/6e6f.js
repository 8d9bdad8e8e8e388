scholiaSearch.shard("no",{"w":{"no":"no","not":"not"},"p":{"no":[0,6,187],"not":[0,3,189,0,4,126,0,5,160]},"e":{},"d":{}});
