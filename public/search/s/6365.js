scholiaSearch.shard("ce",{"w":{"ceiling":"ceil","central":"central"},"p":{"ceil":[0,3,311],"central":[0,8,233]},"e":{},"d":{}});
