scholiaSearch.shard("ag",{"w":{"agreement":"agreement"},"p":{"agreement":[0,5,263]},"e":{"agency":[16,0]},"d":{"16":["Tasnim News Agency","glossary/tasnim/index.html","organisation","from 2012"]}});
