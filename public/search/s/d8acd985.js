scholiaSearch.shard("جم",{"w":{},"p":{},"e":{"جمهوری":[14,1]},"d":{"14":["Islamic Republic of Iran","glossary/islamic-republic/index.html","organisation","from 1979"]}});
