// The standalone agent process: see Foresight.Agent.Hosting (to be written for issue #3).
return 0;
