package jumpcloud_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/jumpcloud"
	"github.com/jcoom/jcoom/jumpcloud/jumpcloudtest"
)

const systemID = "66b1c2d3e4f5a60718293a4c"

// Every member of the v1 system object in the 2022 spec ("system") and
// the 2026 spec ("JcSystem").
var systemSpecFields = []string{
	"_id", "active", "agentHasFullDiskAccess", "agentVersion", "allowMultiFactorAuthentication",
	"allowPublicKeyAuthentication", "allowSshPasswordAuthentication", "allowSshRootLogin", "amazonInstanceID",
	"arch", "archFamily", "attributes", "azureAdJoined", "builtInCommands", "connectionHistory", "created",
	"description", "desktopCapable", "displayManager", "displayName", "domainInfo", "fde", "fileSystem",
	"hasServiceAccount", "hostname", "hwVendor", "isPolicyBound", "lastContact", "mdm", "modifySSHDConfig",
	"networkInterfaces", "organization", "os", "osFamily", "osVersionDetail", "policyStats", "primarySystemUser",
	"provisionMetadata", "remoteAssistAgentVersion", "remoteIP", "secureLogin", "serialNumber",
	"serviceAccountState", "sshRootEnabled", "sshdParams", "systemInsights", "systemTimezone", "tags",
	"templateName", "userMetrics", "version",
}

func TestSystemHasEverySpecField(t *testing.T) {
	var tags []string
	rt := reflect.TypeFor[jumpcloud.System]()
	for i := range rt.NumField() {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			tags = append(tags, name)
		}
	}
	slices.Sort(tags)
	want := slices.Clone(systemSpecFields)
	slices.Sort(want)
	assert.Equal(t, want, tags)
}

func TestSystemDecodingKeepsUnknownFields(t *testing.T) {
	body := `{"_id":"` + systemID + `","displayName":"ada-mbp","serialNumber":"C02XYZ","lastContact":null,
		"created":"2024-03-01T10:00:00.123Z","primarySystemUser":{"id":"` + userID + `"},"systemInsights":{"state":"enabled"},
		"networkInterfaces":[{"address":"10.0.0.2","family":"IPv4","internal":false,"name":"en0"}],
		"futureField":{"x":1}}`
	var s jumpcloud.System
	require.NoError(t, json.Unmarshal([]byte(body), &s))
	assert.Equal(t, "ada-mbp", s.DisplayName)
	assert.Equal(t, userID, s.PrimaryUserID())
	assert.True(t, s.LastContact.IsZero())
	assert.Equal(t, 2024, s.Created.Year())
	assert.JSONEq(t, `{"x":1}`, string(s.Extra["futureField"]))
	out, err := json.Marshal(s)
	require.NoError(t, err)
	assert.Contains(t, string(out), `"futureField":{"x":1}`)
	rec, err := s.Record()
	require.NoError(t, err)
	assert.Equal(t, "C02XYZ", rec["serialNumber"])
	assert.Nil(t, rec["lastContact"], "the record is the wire form: null stays null")
	assert.Equal(t, "", (&jumpcloud.System{}).PrimaryUserID())
}

func TestSystemsListShape(t *testing.T) {
	c, mock := mockClient(t)
	got := expect(mock, http.MethodGet, "/api/systems", 200, `{"totalCount":1,"results":[{"_id":"`+systemID+`","hostname":"h"}]}`)
	page, err := c.Systems.List(context.Background(), &jumpcloud.ListOptions{Limit: 5, Filter: jumpcloud.Filters{jumpcloud.Eq("os", "Mac OS X")}})
	require.NoError(t, err)
	require.Len(t, page.Systems, 1)
	assert.Equal(t, 1, page.TotalCount)
	assert.Equal(t, "h", page.Systems[0].Hostname)
	assert.Equal(t, "5", got.query.Get("limit"))
	assert.Equal(t, "_id", got.query.Get("sort"))
	assert.Equal(t, []string{"os:$eq:Mac OS X"}, got.query["filter"])
	assert.Equal(t, testOrg, got.header.Get("x-org-id"))

	// Refused before sending: a field the system object lacks, a limit
	// over 100, a malformed id; an error object is no page.
	_, err = c.Systems.List(context.Background(), &jumpcloud.ListOptions{Filter: jumpcloud.Filters{jumpcloud.Eq("serialnumber", "x")}})
	require.ErrorContains(t, err, `system schema has no field "serialnumber"`)
	_, err = c.Systems.List(context.Background(), &jumpcloud.ListOptions{Limit: 101})
	require.Error(t, err)
	_, err = c.Systems.Get(context.Background(), "../systemusers")
	require.ErrorContains(t, err, "not a JumpCloud id")
	assert.Equal(t, 1, mock.GetTotalCallCount())

	expect(mock, http.MethodGet, "/api/systems", 200, `{"message":"nope"}`)
	_, err = c.Systems.List(context.Background(), nil)
	require.ErrorContains(t, err, "no results list")
}

func TestSystemsGetChecksTheReply(t *testing.T) {
	c, mock := mockClient(t)
	expect(mock, http.MethodGet, "/api/systems/"+systemID, 200, `{"_id":"66b1c2d3e4f5a60718293a4d"}`)
	_, err := c.Systems.Get(context.Background(), systemID)
	require.ErrorContains(t, err, "the reply is system 66b1c2d3e4f5a60718293a4d")
	expect(mock, http.MethodGet, "/api/systems/"+systemID, 404, `{"message":"Not Found"}`)
	_, err = c.Systems.Get(context.Background(), systemID)
	require.ErrorIs(t, err, jumpcloud.ErrNotFound)
}

func TestSystemsAgainstTheFake(t *testing.T) {
	srv := jumpcloudtest.NewServer(jumpcloudtest.WithOrgID(testOrg), jumpcloudtest.WithGeneratedUsers(80, 3), jumpcloudtest.WithGeneratedSystems(260, 3))
	defer srv.Close()
	jc, err := srv.Client()
	require.NoError(t, err)
	ctx := context.Background()

	var ids []string
	bound := 0
	for s, err := range jc.Systems.All(ctx, &jumpcloud.ListOptions{Concurrency: 4}) {
		require.NoError(t, err)
		ids = append(ids, s.ID)
		if s.PrimaryUserID() != "" {
			_, ok := srv.User(s.PrimaryUserID())
			require.True(t, ok, "a device is bound to a user of the tenant")
			bound++
		}
	}
	assert.Len(t, ids, 260)
	assert.True(t, slices.IsSorted(ids))
	assert.Greater(t, bound, 200)
	assert.Equal(t, 3, srv.Calls()["GET /api/systems"])

	l := jc.Systems.Records(ctx, &jumpcloud.ListOptions{Filter: jumpcloud.Filters{jumpcloud.Eq("osFamily", "darwin")}})
	macs := 0
	for r, err := range l.All() {
		require.NoError(t, err)
		assert.Equal(t, "darwin", r["osFamily"])
		macs++
	}
	assert.Equal(t, macs, l.TotalCount())
	assert.Positive(t, macs)

	one, err := jc.Systems.Get(ctx, ids[7])
	require.NoError(t, err)
	assert.Equal(t, ids[7], one.ID)
	_, err = jc.Systems.Get(ctx, "0123456789abcdef01234599")
	require.ErrorIs(t, err, jumpcloud.ErrNotFound)
}

func TestInsightsBatchesAndPages(t *testing.T) {
	srv := jumpcloudtest.NewServer(jumpcloudtest.WithGeneratedUsers(50, 4), jumpcloudtest.WithGeneratedSystems(230, 4))
	defer srv.Close()
	jc, err := srv.Client()
	require.NoError(t, err)
	ctx := context.Background()
	var ids []string
	for _, s := range srv.Systems() {
		ids = append(ids, s.ID)
	}
	want := 0
	for _, id := range ids {
		want += len(srv.InsightsRows(jumpcloud.TableDiskInfo, id))
	}

	// 230 ids in batches of 100: three requests, each system_id:in:.
	srv.ResetCalls()
	var got []string
	for r, err := range jc.Insights.Rows(ctx, jumpcloud.TableDiskInfo, &jumpcloud.InsightsOptions{SystemIDs: ids, Concurrency: 3}) {
		require.NoError(t, err)
		got = append(got, r["system_id"].(string))
	}
	assert.Len(t, got, want)
	assert.Equal(t, 3, srv.Calls()["GET /api/v2/systeminsights/{table}"])
	assert.True(t, slices.IsSorted(got), "rows keep the order of the batches")

	// A full page asks for the next one: limit 5 over 12 ids' system_info.
	srv.ResetCalls()
	n := 0
	for info, err := range jc.Insights.SystemInfo(ctx, &jumpcloud.InsightsOptions{SystemIDs: ids[:12], Limit: 5}) {
		require.NoError(t, err)
		assert.NotEmpty(t, info.HardwareModel)
		n++
	}
	wantInfo := 0
	for _, id := range ids[:12] {
		wantInfo += len(srv.InsightsRows(jumpcloud.TableSystemInfo, id))
	}
	assert.Equal(t, wantInfo, n)
	assert.Equal(t, wantInfo/5+1, srv.Calls()["GET /api/v2/systeminsights/{table}"])

	// The typed tables decode.
	for b, err := range jc.Insights.Battery(ctx, &jumpcloud.InsightsOptions{SystemIDs: ids[:40]}) {
		require.NoError(t, err)
		assert.NotEmpty(t, b.Health)
	}
	for range jc.Insights.OSVersion(ctx, &jumpcloud.InsightsOptions{SystemIDs: ids[:3]}) {
	}
	for range jc.Insights.ChassisInfo(ctx, &jumpcloud.InsightsOptions{SystemIDs: ids[:3]}) {
	}
	for range jc.Insights.DiskInfo(ctx, &jumpcloud.InsightsOptions{SystemIDs: ids[:3]}) {
	}
}

func TestInsightsRequestShapeAndRefusals(t *testing.T) {
	c, mock := mockClient(t)
	got := expect(mock, http.MethodGet, "/api/v2/systeminsights/system_info", 200, `[{"system_id":"`+systemID+`","hardware_model":"Mac15,6"}]`)
	ctx := context.Background()
	var rows []map[string]any
	for r, err := range c.Insights.Rows(ctx, jumpcloud.TableSystemInfo, &jumpcloud.InsightsOptions{SystemIDs: []string{systemID, userID}}) {
		require.NoError(t, err)
		rows = append(rows, r)
	}
	require.Len(t, rows, 1)
	assert.Equal(t, []string{"system_id:in:" + systemID + "|" + userID}, got.query["filter"])
	assert.Equal(t, "10000", got.query.Get("limit"))
	assert.Equal(t, "system_id", got.query.Get("sort"))
	assert.Equal(t, testOrg, got.header.Get("x-org-id"))

	for _, tc := range []struct {
		table string
		opts  *jumpcloud.InsightsOptions
		want  string
	}{
		{"system info", nil, "not a table name"},
		{"../systemusers", nil, "not a table name"},
		{"battery", &jumpcloud.InsightsOptions{SystemIDs: []string{"x|y"}}, "not a JumpCloud id"},
		{"battery", &jumpcloud.InsightsOptions{BatchSize: 251}, "BatchSize"},
		{"battery", &jumpcloud.InsightsOptions{Limit: 10001}, "1 to 10000"},
		{"battery", &jumpcloud.InsightsOptions{Concurrency: 33}, "Concurrency"},
	} {
		for _, err := range c.Insights.Rows(ctx, tc.table, tc.opts) {
			require.ErrorContains(t, err, tc.want)
		}
	}
	assert.Equal(t, 1, mock.GetTotalCallCount(), "nothing refused was sent")

	mock.RegisterResponder(http.MethodGet, base+"/api/v2/systeminsights/battery", httpmock.NewStringResponder(200, `{"message":"x"}`))
	for _, err := range c.Insights.Rows(ctx, jumpcloud.TableBattery, nil) {
		require.ErrorContains(t, err, "not a list of rows")
	}
	mock.RegisterResponder(http.MethodGet, base+"/api/v2/systeminsights/battery", httpmock.NewStringResponder(400, `{"message":"bad filter"}`))
	for _, err := range c.Insights.Rows(ctx, jumpcloud.TableBattery, nil) {
		var apiErr *jumpcloud.Error
		require.True(t, errors.As(err, &apiErr))
		assert.Equal(t, 400, apiErr.StatusCode)
	}
}

func TestFakeInsightsFollowsTheV2Rules(t *testing.T) {
	srv := jumpcloudtest.NewServer(jumpcloudtest.WithGeneratedUsers(5, 1), jumpcloudtest.WithGeneratedSystems(5, 1))
	defer srv.Close()
	get := func(q string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v2/systeminsights/"+q, nil)
		req.Header.Set("x-api-key", srv.APIKey())
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, body := get("system_info")
	assert.Equal(t, 200, code)
	assert.True(t, strings.HasPrefix(body, "["), "a bare array")
	code, _ = get("system_info?filter=hardware_model:eq:x")
	assert.Equal(t, 400, code, "only system_id and the table's own filter field")
	code, _ = get("system_info?filter=system_id:$eq:x")
	assert.Equal(t, 400, code, "only eq and in")
	code, _ = get("system_info?limit=10001")
	assert.Equal(t, 400, code)
	code, _ = get("no_such_table")
	assert.Equal(t, 404, code)
	code, body = get("battery?filter=health:eq:Nothing")
	assert.Equal(t, 200, code)
	assert.Equal(t, "[]\n", body)
}
