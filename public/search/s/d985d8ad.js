scholiaSearch.shard("مح",{"w":{},"p":{},"e":{"محمدباقر":[4,1]},"d":{"4":["Mohammad Bagher Ghalibaf","glossary/ghalibaf/index.html","person","born 1961"]}});
