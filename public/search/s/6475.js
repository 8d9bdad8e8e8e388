scholiaSearch.shard("du",{"w":{"dubbed":"dub","durable":"durabl","during":"dure"},"p":{"dub":[0,1,225],"durabl":[0,2,173,0,6,142],"dure":[0,6,187]},"e":{},"d":{}});
