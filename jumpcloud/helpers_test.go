package jumpcloud_test

import (
	"fmt"
	"io"
	"net/http"
)

func sprintf(format string, v any) string { return fmt.Sprintf(format, v) }

type rawResp struct {
	status int
	body   string
}

// httpGet sends a raw GET with the API key, bypassing the client's checks.
func httpGet(u, key string) (rawResp, error) {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return rawResp{}, err
	}
	req.Header.Set("x-api-key", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return rawResp{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return rawResp{resp.StatusCode, string(b)}, err
}
