package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
)

// bbolt maps the whole file into memory and reads its pages in place: a
// page the file is too short to hold is not an error but a SIGBUS, which
// kills the process with a goroutine dump. So a file is looked at before
// bbolt maps it: its meta pages (the two at the start, each naming the
// file's page size, how many pages it has and where the root is) must
// describe a file at least as long as the one on disk.
//
// The layout read here is bbolt's own (go.etcd.io/bbolt/internal/common):
// a 16-byte page header, then the meta fields, checksummed with FNV-64a.
const (
	pageHeaderSize = 16
	metaMagic      = 0xED0CDAED
	metaVersion    = 2
	metaSize       = 64 // up to and with the checksum
	metaSummed     = 56 // the bytes the checksum covers
	noFreelist     = ^uint64(0)
)

// boltMeta is the part of a meta page checked here.
type boltMeta struct {
	pageSize       uint32
	root, freelist uint64
	pages          uint64 // the high-water mark: pages in use, meta pages included
	txid           uint64
}

// readMeta decodes a meta page from b (page header first); ok is false
// when it is not one or its checksum fails.
func readMeta(b []byte) (m boltMeta, ok bool) {
	if len(b) < pageHeaderSize+metaSize {
		return m, false
	}
	b = b[pageHeaderSize : pageHeaderSize+metaSize]
	e := binary.NativeEndian // bbolt writes its structs as they lie in memory
	h := fnv.New64a()
	h.Write(b[:metaSummed])
	if e.Uint32(b[0:]) != metaMagic || e.Uint32(b[4:]) != metaVersion || e.Uint64(b[56:]) != h.Sum64() {
		return m, false
	}
	return boltMeta{pageSize: e.Uint32(b[8:]), root: e.Uint64(b[16:]), freelist: e.Uint64(b[32:]),
		pages: e.Uint64(b[40:]), txid: e.Uint64(b[48:])}, true
}

// errDamaged says what is wrong with a file bbolt must not map.
type errDamaged struct{ why string }

func (e errDamaged) Error() string { return e.why }

// checkFile reads the meta pages of an existing, non-empty database file
// and refuses one that bbolt would fault on: cut short, or with no valid
// meta page. A missing or empty file is fine (it is to be created).
func checkFile(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	size := st.Size()
	if size == 0 {
		return nil
	}
	read := func(at int64) (boltMeta, bool) {
		buf := make([]byte, pageHeaderSize+metaSize)
		if _, err := f.ReadAt(buf, at); err != nil && !errors.Is(err, io.EOF) {
			return boltMeta{}, false
		}
		return readMeta(buf)
	}
	var metas []boltMeta
	m0, ok0 := read(0)
	if ok0 {
		metas = append(metas, m0)
		if m1, ok := read(int64(m0.pageSize)); ok && m1.pageSize == m0.pageSize {
			metas = append(metas, m1)
		}
	} else {
		// As bbolt does: the second meta page, at each page size it may
		// have been made with.
		for i := 0; i <= 14; i++ {
			at := int64(1024) << i
			if at >= size {
				break
			}
			if m1, ok := read(at); ok && int64(m1.pageSize) == at {
				metas = append(metas, m1)
				break
			}
		}
	}
	if len(metas) == 0 {
		return errDamaged{"neither of its two meta pages is valid"}
	}
	// bbolt uses the valid meta page of the latest transaction.
	m := metas[0]
	for _, o := range metas[1:] {
		if o.txid > m.txid {
			m = o
		}
	}
	switch need := int64(m.pages) * int64(m.pageSize); {
	case m.pageSize < 512 || m.pageSize&(m.pageSize-1) != 0:
		return errDamaged{fmt.Sprintf("its meta page names a page size of %d bytes", m.pageSize)}
	case m.pages < 2 || m.root >= m.pages || m.root < 2 || m.freelist != noFreelist && (m.freelist >= m.pages || m.freelist < 2):
		return errDamaged{fmt.Sprintf("its meta page is inconsistent (%d pages, root at %d, free list at %d)", m.pages, m.root, m.freelist)}
	case size < need:
		return errDamaged{fmt.Sprintf("it is cut short: %d bytes where its %d pages need %d", size, m.pages, need)}
	}
	return nil
}
