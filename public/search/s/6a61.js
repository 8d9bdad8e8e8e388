scholiaSearch.shard("ja",{"w":{"james":"jame"},"p":{"jame":[0,10,202]},"e":{"james":[9,0]},"d":{"9":["James Baker","glossary/baker/index.html","person","born 28 April 1930"]}});
