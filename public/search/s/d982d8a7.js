scholiaSearch.shard("قا",{"w":{},"p":{},"e":{"قالیباف":[4,1]},"d":{"4":["Mohammad Bagher Ghalibaf","glossary/ghalibaf/index.html","person","born 1961"]}});
