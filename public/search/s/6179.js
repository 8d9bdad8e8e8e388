scholiaSearch.shard("ay",{"w":{"ayatollah":"ayatollah"},"p":{"ayatollah":[0,1,225]},"e":{"ayatollah":[41,0]},"d":{"41":["Ayatollah","glossary/ayatollah/index.html","concept",""]}});
