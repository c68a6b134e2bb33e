// The checks of the proofs, receipts and of tampered inputs: see main.go.
package main

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// inclusion1 checks the server's proof that position p (leaf p-1) is in the checkpoint's tree:
// CheckRecord accepts it and it is the proof Go's ProveRecord builds from the tiles.
func (c *checker) inclusion1(p int64) error {
	var a proofAnswer
	N, i := c.tree.N, p-1
	if err := fetchJSON(fmt.Sprintf("/api/log/proof/inclusion?position=%d&size=%d", p, N), true, &a); err != nil {
		return err
	} else if a.Position != p || a.Size != N {
		return fmt.Errorf("answer for position %d size %d, asked size %d", a.Position, a.Size, N)
	}
	if err := tlog.CheckRecord(a.Proof, N, c.tree.Hash, i, c.leaves[i]); err != nil {
		return fmt.Errorf("CheckRecord in size %d: %v", N, err)
	}
	if want, err := tlog.ProveRecord(N, i, c.hashes); err != nil || !sameProof(a.Proof, want) {
		return fmt.Errorf("not the proof of Go's ProveRecord in size %d (%v)", N, err)
	}
	if len(a.Proof) > 0 && c.inclusion == nil {
		c.inclusion, c.inclLeaf = a.Proof, i
	}
	return nil
}

// consistency1 checks the server's proof that the tree of size m is a prefix of the checkpoint's:
// CheckTree accepts it with the tiles' hash of size m, and it is Go's ProveTree.
func (c *checker) consistency1(m int64) error {
	var a proofAnswer
	N := c.tree.N
	if err := fetchJSON(fmt.Sprintf("/api/log/proof/consistency?from=%d&to=%d", m, N), false, &a); err != nil {
		return err
	} else if a.From != m || a.To != N {
		return fmt.Errorf("answer from %d to %d, asked %d to %d", a.From, a.To, m, N)
	}
	if old, err := tlog.TreeHash(m, c.hashes); err != nil {
		return err
	} else if err := tlog.CheckTree(a.Proof, N, c.tree.Hash, m, old); err != nil {
		return fmt.Errorf("CheckTree to %d: %v", N, err)
	}
	if want, err := tlog.ProveTree(N, m, c.hashes); err != nil || !sameProof(a.Proof, want) {
		return fmt.Errorf("not the proof of Go's ProveTree to %d (%v)", N, err)
	}
	if len(a.Proof) > 0 && c.treeProof == nil {
		c.treeProof, c.treeFrom = a.Proof, m
	}
	return nil
}

// oldCheckpoint1: GET /checkpoint?size=m is signed and has the tiles' root of size m.
func (c *checker) oldCheckpoint1(m int64) error {
	body, err := fetch(fmt.Sprintf("/checkpoint?size=%d", m), false)
	var t tlog.Tree
	if err != nil {
		return err
	} else if t, err = c.openCheckpoint(body); err != nil {
		return err
	} else if th, err := tlog.TreeHash(m, c.hashes); err != nil || t.N != m || t.Hash != th {
		return fmt.Errorf("signs size %d root %s, the tiles give %s (%v)", t.N, t.Hash, th, err)
	}
	return nil
}

// receipt is GET /api/grappes/{id}/receipt?version=V; encoding/json decodes record from base64.
type receipt struct {
	Grappe            string
	Version, Position int64
	Event             struct{ Version, Position int64 }
	Record            []byte
	LeafHash          tlog.Hash
	Checkpoint        string
	Proof             []tlog.Hash
}

// receipt1 checks grappe id's receipt of version v on its own (its checkpoint's signature, its
// record's leaf hash, its inclusion proof), then against the tiles. last is the previous
// version's position, which this one must follow.
func (c *checker) receipt1(id string, v int64, last *int64) error {
	var r receipt
	if err := fetchJSON(fmt.Sprintf("/api/grappes/%s/receipt?version=%d", url.PathEscape(id), v), true, &r); err != nil {
		return err
	}
	if r.Grappe != id || r.Version != v || r.Position <= *last ||
		r.Event.Version != 0 && r.Event.Version != v || r.Event.Position != 0 && r.Event.Position != r.Position {
		return fmt.Errorf("receipt of %s version %d position %d (event version %d position %d), previous position %d",
			r.Grappe, r.Version, r.Position, r.Event.Version, r.Event.Position, *last)
	}
	*last = r.Position
	t, err := c.openCheckpoint([]byte(r.Checkpoint))
	if err != nil {
		return fmt.Errorf("its checkpoint: %v", err)
	}
	if tlog.RecordHash(r.Record) != r.LeafHash {
		return fmt.Errorf("leafHash %s is not RecordHash(record) %s", r.LeafHash, tlog.RecordHash(r.Record))
	}
	if r.Position < 1 || r.Position > t.N {
		return fmt.Errorf("position %d outside its checkpoint's size %d", r.Position, t.N)
	}
	if err := tlog.CheckRecord(r.Proof, t.N, t.Hash, r.Position-1, r.LeafHash); err != nil {
		return fmt.Errorf("CheckRecord of position %d in size %d: %v", r.Position, t.N, err)
	}
	// Its tree is a prefix of the latest one (then its leaf is the tiles' leaf too).
	if th, err := tlog.TreeHash(t.N, c.hashes); t.N <= c.tree.N && (err != nil || th != t.Hash) {
		return fmt.Errorf("its root of size %d is not the tiles' %s (%v)", t.N, th, err)
	}
	return nil
}

// checkReceipts checks the receipt of every version of each grappe of -grappes.
func (c *checker) checkReceipts() {
	for _, id := range strings.Split(*grappes, ",") {
		if id = strings.TrimSpace(id); id == "" {
			continue
		}
		var state struct{ Version int64 }
		if err := fetchJSON("/api/grappes/"+url.PathEscape(id), true, &state); err != nil || state.Version < 1 {
			c.fail("grappe %s: version %d, %v", id, state.Version, err)
			continue
		}
		last := int64(0)
		c.family("receipt of "+id+" version", "receipts verified", sample(1, state.Version, 1<<30),
			func(v int64) error { return c.receipt1(id, v, &last) })
	}
}

// checkTamper makes sure that the checks above can fail: Go's code must refuse a proof, a
// checkpoint root and a tile with one bit flipped.
func (c *checker) checkTamper() {
	refused, tried := 0, 0
	expectRefused := func(what string, err error) {
		if tried++; err == nil {
			c.fail("tamper: %s was accepted", what)
		} else {
			refused++
		}
	}
	flip := func(p []tlog.Hash) []tlog.Hash {
		q := append([]tlog.Hash(nil), p...)
		q[len(q)/2][7] ^= 0x10
		return q
	}
	N, root := c.tree.N, c.tree.Hash
	if c.inclusion != nil {
		expectRefused("an inclusion proof with a flipped bit",
			tlog.CheckRecord(flip(c.inclusion), N, root, c.inclLeaf, c.leaves[c.inclLeaf]))
	}
	if c.treeProof != nil {
		old, _ := tlog.TreeHash(c.treeFrom, c.hashes)
		expectRefused("a consistency proof with a flipped bit",
			tlog.CheckTree(flip(c.treeProof), N, root, c.treeFrom, old))
	}
	bad := root
	bad[31] ^= 1
	forged := bytes.Replace(c.checkpoint, []byte("\n"+root.String()+"\n"), []byte("\n"+bad.String()+"\n"), 1)
	if _, err := note.Open(forged, c.verifiers); bytes.Equal(forged, c.checkpoint) {
		c.fail("tamper: the root %s is not the checkpoint's third line", root)
	} else {
		expectRefused("a checkpoint with a flipped root bit", err)
	}
	if c.inclusion != nil {
		expectRefused("an inclusion proof against a flipped root",
			tlog.CheckRecord(c.inclusion, N, bad, c.inclLeaf, c.leaves[c.inclLeaf]))
	}
	// A flipped bit in a tile, in the hash of leaf inclLeaf: TileHashReader refuses the tile, or
	// (see checkCheckpointAndTiles) the leaf hash it reads fails the leaf's inclusion proof.
	if i := c.inclLeaf; c.inclusion != nil {
		t := tlog.Tile{H: tileHeight, L: 0, N: i >> tileHeight, W: 1 << tileHeight}
		if rest := N - t.N<<tileHeight; rest < int64(t.W) {
			t.W = int(rest) // the partial tile at the right edge
		}
		at := int(i-t.N<<tileHeight) * tlog.HashSize
		tampered := &tileReader{cache: c.tiles, tamper: c2spPath(t), tamperAt: at}
		h, err := tlog.TileHashReader(c.tree, tampered).ReadHashes([]int64{tlog.StoredHashIndex(0, i)})
		if err == nil {
			err = tlog.CheckRecord(c.inclusion, N, root, i, h[0])
		}
		expectRefused("tile "+tampered.tamper+" with a flipped bit", err)
	}
	fmt.Printf("tamper: %d/%d tampered proofs, roots and tiles refused\n", refused, tried)
}
