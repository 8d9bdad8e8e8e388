scholiaSearch.shard("wo",{"w":{"wonderment":"wonder","would":"would"},"p":{"wonder":[0,5,263],"would":[0,1,171,0,9,163]},"e":{},"d":{}});
