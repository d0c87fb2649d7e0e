package traffic

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
	coreruleset "github.com/corazawaf/coraza-coreruleset/v4"
	"github.com/corazawaf/coraza/v3"
	"github.com/corazawaf/coraza/v3/types"
	"go.uber.org/zap"
)

func init() {
	caddy.RegisterModule(WAF{})
}

// WAF inspects each request (headers and body) with Coraza and the OWASP Core Rule Set.
// Mode "block" answers 403 when the rule set's anomaly score is exceeded; "detect" lets the
// request through. Either way such a request's matched rules go into its access log entry
// (field `waf`), which the platform reads into the app's logs. Responses are not inspected.
type WAF struct {
	Zone string `json:"zone"`
	Mode string `json:"mode"`

	waf coraza.WAF
}

func (WAF) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  "http.handlers.skypanel_waf",
		New: func() caddy.Module { return new(WAF) },
	}
}

// Building the rule set takes a second and some megabytes, so apps share one per mode, and it
// outlives config reloads.
var (
	wafsMu sync.Mutex
	wafs   = map[string]coraza.WAF{}
)

// The rule set inspects the first 12.5 MB of a body (coraza.conf-recommended's SecRequestBodyLimit)
// and passes the rest on unread (ProcessPartial): the app's own body limit is the one that refuses.
func directives(mode string) string {
	engine := "DetectionOnly"
	if mode == "block" {
		engine = "On"
	}
	return `Include @coraza.conf-recommended
Include @crs-setup.conf.example
Include @owasp_crs/*.conf
SecRuleEngine ` + engine + `
SecRequestBodyLimitAction ProcessPartial
SecResponseBodyAccess Off
SecAuditEngine Off`
}

func (m *WAF) Provision(caddy.Context) error {
	if m.Mode != "detect" && m.Mode != "block" {
		return fmt.Errorf("skypanel_waf: mode must be detect or block, not %q", m.Mode)
	}
	wafsMu.Lock()
	defer wafsMu.Unlock()
	if w, ok := wafs[m.Mode]; ok {
		m.waf = w
		return nil
	}
	w, err := coraza.NewWAF(coraza.NewWAFConfig().WithRootFS(coreruleset.FS).WithDirectives(directives(m.Mode)))
	if err != nil {
		return fmt.Errorf("skypanel_waf: loading the OWASP Core Rule Set: %w", err)
	}
	wafs[m.Mode] = w
	m.waf = w
	return nil
}

// A logged match: the rule's id and message (never the request's data, which the client wrote).
type ruleMatch struct {
	ID      int    `json:"id"`
	Message string `json:"msg"`
}

type wafEntry struct {
	Mode    string      `json:"mode"`
	Blocked bool        `json:"blocked"`
	Rules   []ruleMatch `json:"rules"`
}

const maxLoggedRules = 10

func (m *WAF) ServeHTTP(w http.ResponseWriter, r *http.Request, next caddyhttp.Handler) error {
	tx := m.waf.NewTransaction()
	defer func() {
		tx.ProcessLogging()
		_ = tx.Close()
	}()
	interruption, err := inspectRequest(tx, r)
	if err != nil {
		// The body limit (request_body, before this handler) cut the body off while it was inspected.
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			writeRefusal(w, http.StatusRequestEntityTooLarge, "REQUEST_TOO_LARGE", "The request body is larger than this app accepts.")
			return nil
		}
		writeRefusal(w, http.StatusBadRequest, "BAD_REQUEST", "The request body could not be read.")
		return nil
	}
	blocked := interruption != nil && interruption.Action == "deny"
	logMatches(r, m.Mode, blocked, tx.MatchedRules())
	if blocked {
		writeRefusal(w, http.StatusForbidden, "WAF_BLOCKED", "This request was refused by the app's web application firewall.")
		return nil
	}
	return next.ServeHTTP(w, r)
}

// The Core Rule Set's inbound anomaly check (REQUEST-949-BLOCKING-EVALUATION): it matches when
// the request's score reaches the threshold, i.e. when block mode refuses the request.
const inboundAnomalyRule = 949110

// CRS initialisation rules (9000xx–9019xx) match every request and say nothing about it.
func initialisationRule(id int) bool { return id >= 900000 && id < 902000 }

// logMatches puts the matched rules in the access log entry when the rule set would refuse the
// request (refused in block mode, let through in detect mode); lesser matches are not logged.
func logMatches(r *http.Request, mode string, blocked bool, matched []types.MatchedRule) {
	wouldBlock := blocked
	rules := []ruleMatch{}
	for _, mr := range matched {
		id := mr.Rule().ID()
		if id == inboundAnomalyRule {
			wouldBlock = true
		}
		if mr.Message() == "" || initialisationRule(id) || len(rules) == maxLoggedRules {
			continue
		}
		rules = append(rules, ruleMatch{ID: id, Message: mr.Message()})
	}
	if !wouldBlock || len(rules) == 0 {
		return
	}
	if extra, ok := r.Context().Value(caddyhttp.ExtraLogFieldsCtxKey).(*caddyhttp.ExtraLogFields); ok {
		extra.Set(zap.Any("waf", wafEntry{Mode: mode, Blocked: blocked, Rules: rules}))
	}
}

// inspectRequest runs the request phases (connection, URI, headers, body) and stops at an
// interruption; the body read for inspection is handed on to the app unchanged.
func inspectRequest(tx types.Transaction, r *http.Request) (*types.Interruption, error) {
	host, port, _ := net.SplitHostPort(r.RemoteAddr)
	clientPort, _ := strconv.Atoi(port)
	tx.ProcessConnection(host, clientPort, "", 0)
	tx.ProcessURI(r.URL.String(), r.Method, r.Proto)
	for name, values := range r.Header {
		for _, v := range values {
			tx.AddRequestHeader(name, v)
		}
	}
	if r.Host != "" {
		tx.AddRequestHeader("Host", r.Host)
		tx.SetServerName(r.Host)
	}
	for _, te := range r.TransferEncoding {
		tx.AddRequestHeader("Transfer-Encoding", te)
	}
	if it := tx.ProcessRequestHeaders(); it != nil {
		return it, nil
	}
	if tx.IsRequestBodyAccessible() && r.Body != nil && r.Body != http.NoBody {
		it, _, err := tx.ReadRequestBodyFrom(r.Body)
		if err != nil {
			return nil, fmt.Errorf("reading the request body: %w", err)
		}
		if it != nil {
			return it, nil
		}
		inspected, err := tx.RequestBodyReader()
		if err != nil {
			return nil, fmt.Errorf("reading the request body: %w", err)
		}
		r.Body = io.NopCloser(io.MultiReader(inspected, r.Body))
	}
	return tx.ProcessRequestBody()
}

var (
	_ caddy.Provisioner           = (*WAF)(nil)
	_ caddyhttp.MiddlewareHandler = (*WAF)(nil)
)
