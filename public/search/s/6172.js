scholiaSearch.shard("ar",{"w":{"are":"are","armed":"arm"},"p":{"are":[0,7,182,0,9,130,0,11,143],"arm":[0,8,312]},"e":{},"d":{}});
