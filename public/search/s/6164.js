scholiaSearch.shard("ad",{"w":{"administration":"administr"},"p":{"administr":[0,4,158,0,5,201]},"e":{},"d":{}});
