scholiaSearch.shard("at",{"w":{"at":"at","attempt":"attempt","attempted":"attempt"},"p":{"at":[0,8,178,0,10,154],"attempt":[0,5,201,0,10,154]},"e":{},"d":{}});
