scholiaSearch.shard("bu",{"w":{"but":"but","buy":"buy"},"p":{"but":[0,2,112,0,4,102,0,11,116,0,12,87],"buy":[0,2,227]},"e":{},"d":{}});
