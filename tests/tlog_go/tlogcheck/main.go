// Command tlogcheck checks a live Grappe server's verifiable history (PROTOCOL.md "Verifiable
// history") with Go's own transparency-log code: golang.org/x/mod/sumdb/note verifies the signed
// checkpoints and golang.org/x/mod/sumdb/tlog checks the tiles, the inclusion and consistency
// proofs and the receipts. It shares no code with the server: when Go agrees, the proofs are right.
//
//	tlogcheck -url http://127.0.0.1:PORT -key VERIFIERKEY -token TOKEN [-grappes ID,…] [-old-size M]
//
// It prints one line per family of checks and each failure with the position or size it concerns;
// exit status 0 when every check passed, 1 when one failed, 2 on bad arguments.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

var (
	baseURL = flag.String("url", "", "the server, e.g. http://127.0.0.1:8080")
	keyFlag = flag.String("key", "", "the log's note verifier key <name>+<hex key id>+<base64 key>")
	token   = flag.String("token", "", "an auditor's bearer token (inclusion proofs, receipts)")
	grappes = flag.String("grappes", "", "comma-separated ids of grappes whose receipts to check")
	oldSize = flag.Int64("old-size", 0, "also check GET /checkpoint?size=M and consistency from M")
)

const (
	tileHeight    = 8    // C2SP tlog-tiles: 2^8 = 256 hashes a tile
	maxLeaves     = 5000 // inclusion proofs checked at most (spread evenly over the tree)
	allSizesUpTo  = 300  // consistency from every older size up to this tree size…
	sampledSizes  = 200  // …beyond it, from this many sizes spread evenly, 1 and N included
	maxFailsShown = 50
)

var client = &http.Client{Timeout: 10 * time.Second}

// fetch GETs path, with the auditor's token when auth is set: the endpoints PROTOCOL.md makes
// public are fetched without it, so that they are checked to be public.
func fetch(path string, auth bool) ([]byte, error) {
	req, err := http.NewRequest("GET", strings.TrimRight(*baseURL, "/")+path, nil)
	if err != nil {
		return nil, err
	}
	if auth && *token != "" {
		req.Header.Set("Authorization", "Bearer "+*token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err == nil && resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: HTTP %d %.200s", path, resp.StatusCode, body)
	}
	return body, err
}

// fetchJSON GETs path and decodes its JSON answer into v. tlog.Hash decodes from base64 itself.
func fetchJSON(path string, auth bool, v interface{}) error {
	body, err := fetch(path, auth)
	if err == nil {
		if err = json.Unmarshal(body, v); err != nil {
			err = fmt.Errorf("GET %s: bad JSON: %v", path, err)
		}
	}
	return err
}

// proofAnswer is the answer of both proof endpoints.
type proofAnswer struct {
	Position, Size, From, To int64
	Proof                    []tlog.Hash
}

// sameProof compares proofs through their text (tlog.Hash prints as base64): nil and empty are
// the same proof.
func sameProof(a, b []tlog.Hash) bool { return fmt.Sprint(a) == fmt.Sprint(b) }

// tileReader is the tlog.TileReader of the server's C2SP hash tiles. It fetches each tile once
// into cache, which is never trusted: the tlog.TileHashReader using it checks tiles against the
// signed root on every read. For the negative self-check, it flips a bit of byte tamperAt of the
// tile at path tamper.
type tileReader struct {
	cache    map[string][]byte
	tamper   string
	tamperAt int
}

func (r *tileReader) Height() int                     { return tileHeight }
func (r *tileReader) SaveTiles([]tlog.Tile, [][]byte) {}

// c2spPath is Go's tile path without the height: Go writes tile/8/L/N[.p/W], C2SP tile/L/N[.p/W],
// both with N in groups of 3 digits, all but the last prefixed with x.
func c2spPath(t tlog.Tile) string {
	return "tile/" + strings.TrimPrefix(t.Path(), fmt.Sprintf("tile/%d/", t.H))
}

func (r *tileReader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		path, want := c2spPath(t), t.W*tlog.HashSize
		data, ok := r.cache[path]
		if !ok {
			var err error
			if data, err = fetch("/"+path, false); err != nil {
				return nil, err
			}
			if len(data) != want {
				return nil, fmt.Errorf("tile %s: %d bytes, want %d", path, len(data), want)
			}
			r.cache[path] = data
		}
		if path == r.tamper {
			data = append([]byte(nil), data...)
			data[r.tamperAt] ^= 1
		}
		out[i] = data
	}
	return out, nil
}

// checker holds what the checks share.
type checker struct {
	verifiers  note.Verifiers
	origin     string
	checkpoint []byte    // the latest signed checkpoint as served
	tree       tlog.Tree // its size and root
	tiles      map[string][]byte
	hashes     tlog.HashReader // reads hashes from tiles authenticated against tree
	leaves     map[int64]tlog.Hash
	inclusion  []tlog.Hash // a non-empty inclusion proof of leaf inclLeaf, for the tamper checks
	inclLeaf   int64
	treeProof  []tlog.Hash // a non-empty consistency proof from size treeFrom
	treeFrom   int64
	fails      int
}

func (c *checker) fail(format string, args ...interface{}) {
	if c.fails++; c.fails <= maxFailsShown {
		fmt.Printf("FAIL: "+format+"\n", args...)
	}
}

// family runs check on each item, reports each failure and prints the family's count line.
func (c *checker) family(name, what string, items []int64, check func(int64) error) {
	ok := 0
	for _, x := range items {
		if err := check(x); err != nil {
			c.fail("%s %d: %v", name, x, err)
		} else {
			ok++
		}
	}
	fmt.Printf("%s: %d/%d %s\n", name, ok, len(items), what)
}

// sample returns every integer of [lo, hi] when there are at most max, else max of them spread
// evenly, lo and hi included.
func sample(lo, hi int64, max int) []int64 {
	var out []int64
	for i := int64(0); i < int64(max) && lo+i <= hi; i++ {
		if hi-lo+1 <= int64(max) {
			out = append(out, lo+i)
		} else {
			out = append(out, lo+(hi-lo)*i/int64(max-1))
		}
	}
	return out
}

// openCheckpoint verifies a signed note with the log's key (note.Open; other signers' lines, the
// witnesses' cosignatures, are left unverified) and parses its C2SP checkpoint body: origin, size,
// base64 root, then optional lines that are ignored.
func (c *checker) openCheckpoint(msg []byte) (tlog.Tree, error) {
	n, err := note.Open(msg, c.verifiers)
	if err != nil {
		return tlog.Tree{}, fmt.Errorf("note.Open: %v", err)
	}
	lines := append(strings.Split(n.Text, "\n"), "", "") // at least lines[0:3]
	size, err1 := strconv.ParseInt(lines[1], 10, 64)
	root, err2 := tlog.ParseHash(lines[2])
	if lines[0] != c.origin || err1 != nil || err2 != nil || lines[1] != strconv.FormatInt(size, 10) {
		return tlog.Tree{}, fmt.Errorf("checkpoint body %q: not origin %q, size, root", n.Text, c.origin)
	}
	return tlog.Tree{N: size, Hash: root}, nil
}

// checkKey: GET /api/log/key gives the key of -key, named after the log's origin.
func (c *checker) checkKey() error {
	var k struct{ Origin, VerifierKey string }
	if err := fetchJSON("/api/log/key", false, &k); err != nil {
		return err
	}
	v, err := note.NewVerifier(*keyFlag)
	if err != nil || k.VerifierKey != *keyFlag || v.Name() != k.Origin {
		return fmt.Errorf("/api/log/key: %+v, want -key %q named after the origin (%v)", k, *keyFlag, err)
	}
	c.verifiers, c.origin = note.VerifierList(v), k.Origin
	fmt.Printf("key: ok, origin %q, key id %08x\n", c.origin, v.KeyHash())
	return nil
}

// checkCheckpointAndTiles: the latest checkpoint is signed; its root is the tiles' tree hash; the
// tiles of the leaves are authenticated against it.
func (c *checker) checkCheckpointAndTiles() (err error) {
	if c.checkpoint, err = fetch("/checkpoint", false); err != nil {
		return err
	}
	if c.tree, err = c.openCheckpoint(c.checkpoint); err != nil || c.tree.N < 1 {
		return fmt.Errorf("GET /checkpoint: size %d, %v", c.tree.N, err)
	}
	fmt.Printf("checkpoint: ok, size %d, root %s\n", c.tree.N, c.tree.Hash)
	c.tiles, c.leaves = map[string][]byte{}, map[int64]tlog.Hash{}
	c.hashes = tlog.TileHashReader(c.tree, &tileReader{cache: c.tiles})
	if th, err := tlog.TreeHash(c.tree.N, c.hashes); err != nil || th != c.tree.Hash {
		return fmt.Errorf("tiles: TreeHash(%d) = %s (%v), the checkpoint's root %s", c.tree.N, th, err, c.tree.Hash)
	}
	// The sampled leaf hashes (all of them up to maxLeaves) in one read. The tiles of the root's
	// subtrees are checked against the root; the others should be checked against their parents,
	// but x/mod's TileHashReader (0.7.0) skips some when several of the root's subtrees share a
	// tile (its loop over them starts at len(stx), not at the number of distinct tiles). So every
	// leaf hash read here is checked again by the inclusion proof of its position.
	var stored []int64
	for _, p := range sample(1, c.tree.N, maxLeaves) {
		stored = append(stored, tlog.StoredHashIndex(0, p-1))
	}
	got, err := c.hashes.ReadHashes(stored)
	if err != nil {
		return fmt.Errorf("tiles: reading %d leaf hashes: %v", len(stored), err)
	}
	for i, p := range sample(1, c.tree.N, maxLeaves) {
		c.leaves[p-1] = got[i]
	}
	fmt.Printf("tiles: ok, %d tiles give the root, %d leaf hashes read\n", len(c.tiles), len(got))
	return nil
}

func main() {
	flag.Parse()
	if *baseURL == "" || *keyFlag == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: tlogcheck -url URL -key VERIFIERKEY [-token T] [-grappes ID,…] [-old-size M]")
		os.Exit(2)
	}
	c := &checker{}
	if err := c.checkKey(); err != nil {
		c.fail("%v", err)
	} else if err := c.checkCheckpointAndTiles(); err != nil {
		c.fail("%v", err)
	} else {
		N := c.tree.N
		c.family("inclusion of position", fmt.Sprintf("positions proven in size %d", N),
			sample(1, N, maxLeaves), c.inclusion1)
		sizes := sample(1, N, allSizesUpTo)
		if N > allSizesUpTo {
			sizes = append(sample(1, N, sampledSizes), N-1)
		}
		if *oldSize > 0 {
			sizes = append(sizes, *oldSize)
			c.family("checkpoint of size", "old checkpoints verified", []int64{*oldSize}, c.oldCheckpoint1)
		}
		c.family("consistency from size", fmt.Sprintf("sizes proven prefixes of size %d", N), sizes, c.consistency1)
		c.checkReceipts()
		c.checkTamper()
	}
	if c.fails > 0 {
		fmt.Printf("tlogcheck: FAILED, %d checks failed\n", c.fails)
		os.Exit(1)
	}
	fmt.Println("tlogcheck: ok, every check passed")
}
