scholiaSearch.shard("si",{"w":{"sides":"side","similar":"similar","similarly":"similar"},"p":{"side":[0,9,214],"similar":[0,6,142,0,8,178]},"e":{},"d":{}});
