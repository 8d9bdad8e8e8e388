scholiaSearch.shard("op",{"w":{"open":"open","operating":"oper","operation":"oper"},"p":{"open":[0,1,225],"oper":[0,7,299]},"e":{},"d":{}});
