scholiaSearch.shard("it",{"w":{"it":"it","its":"it"},"p":{"it":[0,2,171,0,3,114,0,4,185,0,12,127]},"e":{},"d":{}});
