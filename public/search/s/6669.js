scholiaSearch.shard("fi",{"w":{"fight":"fight","figure":"figur","find":"find"},"p":{"fight":[0,11,235],"figur":[0,9,214],"find":[0,10,202]},"e":{},"d":{}});
