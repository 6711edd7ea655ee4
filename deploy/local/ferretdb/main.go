// Command qf-ferretdb runs FerretDB 1.x embedded (package github.com/FerretDB/FerretDB/ferretdb)
// as a local MongoDB-wire server for Quest Fleet.
//
// FerretDB's own cmd/ferretdb cannot be `go install`ed from the module proxy: it panics
// on the missing generated build/version/version.txt (FerretDB issue 2982). The embeddable
// package has no such requirement, so this tiny main wraps it.
//
//	qf-ferretdb --listen-addr 127.0.0.1:27017 --state-dir .local/data/mongo-ferretdb
//	qf-ferretdb --listen-addr 127.0.0.1:27017 --sqlite-url file:/abs/dir/
//	qf-ferretdb --listen-addr 127.0.0.1:27017 --handler postgresql --postgresql-url postgres://127.0.0.1:5432/ferretdb
//
// SIGTERM / SIGINT stop the listener, close client connections and the backend
// (SQLite databases are closed cleanly) before the process exits.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/FerretDB/FerretDB/build/version"
	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "qf-ferretdb: %v\n", err)
		os.Exit(1)
	}
}

func run() error {
	listenAddr := flag.String("listen-addr", "127.0.0.1:27017", "TCP address to listen on")
	stateDir := flag.String("state-dir", "", "directory for the SQLite databases (one file per MongoDB database)")
	sqliteURL := flag.String("sqlite-url", "", "SQLite URI of the data directory, e.g. file:/abs/dir/ (overrides --state-dir)")
	handler := flag.String("handler", "sqlite", "backend: sqlite or postgresql")
	postgresqlURL := flag.String("postgresql-url", "", "PostgreSQL URL for --handler postgresql")
	logLevel := flag.String("log-level", "warn", "log level: debug, info, warn, error")
	showVersion := flag.Bool("version", false, "print the FerretDB version and exit")
	flag.Parse()

	ferretVersion := moduleVersion("github.com/FerretDB/FerretDB")
	// The embedded package reports "unknown"; the real module version is more useful in buildInfo.
	version.Get().Version = ferretVersion

	if *showVersion {
		fmt.Printf("FerretDB %s (embedded, MongoDB %s compatible)\n", ferretVersion, version.Get().MongoDBVersion)
		return nil
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	config := &ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: *listenAddr},
		Logger:   logger,
		Handler:  *handler,
	}

	switch *handler {
	case "sqlite":
		u, err := sqliteURI(*sqliteURL, *stateDir)
		if err != nil {
			return err
		}
		config.SQLiteURL = u
	case "postgresql":
		if *postgresqlURL == "" {
			return errors.New("--postgresql-url is required with --handler postgresql")
		}
		config.PostgreSQLURL = *postgresqlURL
	default:
		return fmt.Errorf("unknown --handler %q (sqlite or postgresql)", *handler)
	}

	f, err := ferretdb.New(config)
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	fmt.Fprintf(os.Stderr, "qf-ferretdb: FerretDB %s (%s) listening on %s\n", ferretVersion, *handler, *listenAddr)

	// Run returns once ctx is cancelled and the listener, the connections and the backend are closed.
	if err := f.Run(ctx); err != nil {
		return err
	}

	fmt.Fprintln(os.Stderr, "qf-ferretdb: stopped cleanly")

	return nil
}

// sqliteURI builds FerretDB's SQLite URI: a `file:` URI naming a directory, with a trailing slash.
func sqliteURI(explicit, dir string) (string, error) {
	if explicit != "" {
		return explicit, nil
	}
	if dir == "" {
		return "", errors.New("one of --state-dir or --sqlite-url is required for the sqlite handler")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return "", err
	}
	// FerretDB wants a `file:` URI whose path is a directory ending with "/".
	u := &url.URL{Scheme: "file", Path: strings.TrimSuffix(abs, "/") + "/"}
	return u.String(), nil
}

func moduleVersion(path string) string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == path {
				return dep.Version
			}
		}
	}
	return "unknown"
}
