scholiaSearch.shard("fe",{"w":{"feature":"featur","feel":"feel"},"p":{"featur":[0,10,202],"feel":[0,12,177]},"e":{},"d":{}});
