package traffic

import (
	"encoding/json"
	"net/http"
)

// writeRefusal answers in the platform's error shape (router/pages.ts), so clients of the app
// read a refusal by the router the same way as its other answers.
func writeRefusal(w http.ResponseWriter, status int, code, message string) {
	body, _ := json.Marshal(map[string]any{"error": map[string]string{"code": code, "message": message}})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}
