scholiaSearch.shard("tr",{"w":{"trump":"trump"},"p":{"trump":[0,4,175,0,5,160,0,6,113]},"e":{"trump":[2,0]},"d":{"2":["Donald Trump","glossary/trump/index.html","person","born 14 June 1946"]}});
