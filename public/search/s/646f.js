scholiaSearch.shard("do",{"w":{"domestic":"domest"},"p":{"domest":[0,4,207]},"e":{"donald":[2,0]},"d":{"2":["Donald Trump","glossary/trump/index.html","person","born 14 June 1946"]}});
