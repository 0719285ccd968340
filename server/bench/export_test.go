package bench

// NginxPath lets the smoke test know whether the nginx rows must be there.
var NginxPath = nginxPath
