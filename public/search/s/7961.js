scholiaSearch.shard("ya",{"w":{"yazid":"yazid"},"p":{"yazid":[0,6,187]},"e":{"yazid":[13,0]},"d":{"13":["Yazid I","glossary/yazid/index.html","person","died 683"]}});
