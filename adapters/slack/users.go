package slack

import (
	"context"
	"sync"
	"time"
)

// userInfo is what users.info told about someone.
type userInfo struct {
	name, handle, tz string
	// admin: a workspace admin or owner, who may run setup.
	admin bool
	at    time.Time
}

// users caches users.info for a day: at first contact and then once a
// day is enough for a name, a zone and admin rights.
type users struct {
	now func() time.Time
	m   sync.Map // user id -> userInfo
}

const (
	// userFresh is how long a lookup is kept.
	userFresh = 24 * time.Hour
	// userRetry is how long after a failed lookup it is tried again.
	userRetry = time.Minute
	// userWait is the most a lookup may hold up an event.
	userWait = 1500 * time.Millisecond
)

// user looks someone up, from the cache or with users.info; a failure
// leaves what is not known unknown rather than waiting.
func (a *Adapter) user(ctx context.Context, id string) userInfo {
	now := a.users.now()
	if v, ok := a.users.m.Load(id); ok && now.Sub(v.(userInfo).at) < userFresh {
		return v.(userInfo)
	}
	ctx, cancel := context.WithTimeout(ctx, userWait)
	defer cancel()
	u, err := a.api.GetUserInfoContext(ctx, id)
	if err != nil {
		a.o.Log.Warn("slack: users.info", "user", id, "err", err)
		if v, ok := a.users.m.Load(id); ok {
			return v.(userInfo)
		}
		// Not known: try again in a minute, not on every message.
		a.users.m.Store(id, userInfo{at: now.Add(userRetry - userFresh)})
		return userInfo{}
	}
	name := u.Profile.DisplayName
	if name == "" {
		name = u.RealName
	}
	if name == "" {
		name = u.Name
	}
	info := userInfo{name: name, handle: u.Name, tz: u.TZ, admin: u.IsAdmin || u.IsOwner, at: now}
	a.users.m.Store(id, info)
	return info
}
