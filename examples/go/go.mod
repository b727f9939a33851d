module example.com/xbuild/examples/go

go 1.19
