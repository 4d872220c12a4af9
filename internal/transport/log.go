package transport

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/hashicorp/go-retryablehttp"
)

func (c *Client) logRequest(_ retryablehttp.Logger, req *http.Request, attempt int) {
	c.logger.LogAttrs(req.Context(), slog.LevelDebug, "request",
		slog.String("method", req.Method), slog.String("host", req.URL.Host),
		slog.String("path", req.URL.Path), slog.Int("attempt", attempt+1))
}

func (c *Client) logResponse(_ retryablehttp.Logger, resp *http.Response) {
	level := slog.LevelDebug
	if resp.StatusCode >= 400 {
		level = slog.LevelWarn
	}
	req := resp.Request
	ctx := context.Background()
	if req != nil {
		ctx = req.Context()
	}
	attrs := []slog.Attr{slog.Int("status", resp.StatusCode)}
	if req != nil {
		attrs = append(attrs, slog.String("method", req.Method), slog.String("host", req.URL.Host), slog.String("path", req.URL.Path))
	}
	if ra := resp.Header.Get("Retry-After"); ra != "" {
		attrs = append(attrs, slog.String("retry_after", ra))
	}
	c.logger.LogAttrs(ctx, level, "response", attrs...)
}
