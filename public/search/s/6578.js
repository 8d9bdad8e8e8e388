scholiaSearch.shard("ex",{"w":{"expectations":"expect","export":"export","expressed":"express"},"p":{"expect":[0,3,231],"export":[0,2,173,0,4,158],"express":[0,5,263]},"e":{},"d":{}});
