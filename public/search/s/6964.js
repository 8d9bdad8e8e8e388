scholiaSearch.shard("id",{"w":{"ideological":"ideolog","ideology":"ideolog"},"p":{"ideolog":[0,2,235,0,6,142]},"e":{},"d":{}});
