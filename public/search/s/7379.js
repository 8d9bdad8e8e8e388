scholiaSearch.shard("sy",{"w":{"system":"system"},"p":{"system":[0,4,126,0,9,130,0,12,157]},"e":{},"d":{}});
