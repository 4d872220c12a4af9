package jumpcloud

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	gosync "sync"

	"github.com/jcoom/jcoom/internal/transport"
)

// InsightsService reads System Insights tables (GET
// /api/v2/systeminsights/{table}): osquery facts that JumpCloud's agent
// collects from devices whose systemInsights.state is enabled. Their rules
// differ from v1 lists: the reply is a bare JSON array with no total, a
// page holds up to 10,000 rows (default 10), and filters take only eq and
// in, on system_id and one more field per table.
type InsightsService struct{ client *Client }

// The tables that carry a device's hardware facts.
const (
	TableSystemInfo  = "system_info"
	TableOSVersion   = "os_version"
	TableChassisInfo = "chassis_info"
	TableDiskInfo    = "disk_info"
	TableBattery     = "battery"
)

// HardwareTables lists the tables above, in that order.
func HardwareTables() []string {
	return []string{TableSystemInfo, TableOSVersion, TableChassisInfo, TableDiskInfo, TableBattery}
}

// Limits of System Insights requests.
const (
	// MaxInsightsLimit is the largest page of a System Insights table.
	MaxInsightsLimit = 10000
	// DefaultInsightsBatch is how many system ids one request asks for
	// (system_id:in:a|b|...): 100 ids make a query of about 2.5 KB.
	DefaultInsightsBatch = 100
	// MaxInsightsBatch bounds the ids of one request, keeping the URL
	// well under the 8 KB that servers and proxies commonly accept.
	MaxInsightsBatch = 250
)

var tablePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// InsightsOptions selects the rows of a System Insights table.
type InsightsOptions struct {
	// SystemIDs restricts the rows to these systems; they are asked for
	// BatchSize at a time with system_id:in:. Empty lists every row.
	SystemIDs []string
	// BatchSize is the number of ids per request (default 100, at most 250).
	BatchSize int
	// Limit is the page size (default and maximum 10,000).
	Limit int
	// Concurrency is how many batches are fetched at once (default 1, at
	// most 32). Rows keep the order of SystemIDs' batches.
	Concurrency int
}

func (o *InsightsOptions) check(table string) (InsightsOptions, error) {
	var c InsightsOptions
	if o != nil {
		c = *o
	}
	if !tablePattern.MatchString(table) {
		return c, fmt.Errorf("jumpcloud: System Insights table %q is not a table name (lower-case letters, digits and _, e.g. system_info)", table)
	}
	switch {
	case c.BatchSize < 0 || c.BatchSize > MaxInsightsBatch:
		return c, fmt.Errorf("jumpcloud: InsightsOptions.BatchSize is %d; want 1 to %d", c.BatchSize, MaxInsightsBatch)
	case c.Limit < 0 || c.Limit > MaxInsightsLimit:
		return c, fmt.Errorf("jumpcloud: InsightsOptions.Limit is %d; System Insights accepts 1 to %d", c.Limit, MaxInsightsLimit)
	case c.Concurrency < 0 || c.Concurrency > 32:
		return c, fmt.Errorf("jumpcloud: InsightsOptions.Concurrency is %d; want 0 to 32", c.Concurrency)
	}
	for _, id := range c.SystemIDs {
		if err := ValidateSystemID(id); err != nil {
			return c, err
		}
	}
	if c.BatchSize == 0 {
		c.BatchSize = DefaultInsightsBatch
	}
	if c.Limit == 0 {
		c.Limit = MaxInsightsLimit
	}
	c.Concurrency = max(c.Concurrency, 1)
	return c, nil
}

// Rows iterates over the rows of a table in their wire form (numbers as
// float64), lazily: no request is made until the sequence is ranged. Each
// batch of ids is paged until a page comes back short. The first error is
// yielded once and ends the sequence.
func (s *InsightsService) Rows(ctx context.Context, table string, opts *InsightsOptions) iter.Seq2[map[string]any, error] {
	o, err := opts.check(table)
	if err != nil {
		return func(yield func(map[string]any, error) bool) { yield(nil, err) }
	}
	var batches [][]string
	for ids := o.SystemIDs; len(ids) > 0; {
		n := min(o.BatchSize, len(ids))
		batches = append(batches, ids[:n])
		ids = ids[n:]
	}
	if len(o.SystemIDs) == 0 {
		batches = [][]string{nil}
	}
	return func(yield func(map[string]any, error) bool) {
		for start := 0; start < len(batches); start += o.Concurrency {
			wave := batches[start:min(start+o.Concurrency, len(batches))]
			rows := make([][]map[string]any, len(wave))
			errs := make([]error, len(wave))
			var wg gosync.WaitGroup
			for i, ids := range wave {
				wg.Go(func() { rows[i], errs[i] = s.batch(ctx, table, ids, o.Limit) })
			}
			wg.Wait()
			for i := range wave {
				if errs[i] != nil {
					yield(nil, errs[i])
					return
				}
				for _, r := range rows[i] {
					if !yield(r, nil) {
						return
					}
				}
			}
		}
	}
}

// batch reads every row of one batch of ids, page by page.
func (s *InsightsService) batch(ctx context.Context, table string, ids []string, limit int) ([]map[string]any, error) {
	path := "/api/v2/systeminsights/" + table
	var out []map[string]any
	for skip := 0; ; skip += limit {
		q := map[string][]string{"limit": {strconv.Itoa(limit)}, "sort": {"system_id"}}
		if skip > 0 {
			q["skip"] = []string{strconv.Itoa(skip)}
		}
		if len(ids) > 0 {
			q["filter"] = []string{"system_id:in:" + strings.Join(ids, "|")}
		}
		var page rowPage
		if _, err := s.client.do(ctx, http.MethodGet, path, q, nil, &page); err != nil {
			return nil, err
		}
		if page.rows == nil {
			return nil, transport.UnexpectedReply("jumpcloud", http.MethodGet, path, "the reply is not a list of rows")
		}
		out = append(out, page.rows...)
		if len(page.rows) < limit {
			return out, nil
		}
	}
}

// rowPage is a bare array of rows; null or an object is no page.
type rowPage struct{ rows []map[string]any }

func (p *rowPage) UnmarshalJSON(b []byte) error {
	if t := bytes.TrimSpace(b); len(t) == 0 || t[0] != '[' {
		return nil // not a list: rows stays nil and the caller says so
	}
	var rows []map[string]any
	if err := json.Unmarshal(b, &rows); err != nil {
		return fmt.Errorf("jumpcloud: decoding System Insights rows: %w", err)
	}
	for i, r := range rows {
		if r == nil {
			return fmt.Errorf("jumpcloud: decoding System Insights rows: row %d is not an object", i)
		}
	}
	if rows == nil {
		rows = []map[string]any{}
	}
	p.rows = rows
	return nil
}

// typedRows decodes the rows of a table into T.
func typedRows[T any](ctx context.Context, s *InsightsService, table string, opts *InsightsOptions) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		for r, err := range s.Rows(ctx, table, opts) {
			if err != nil {
				yield(nil, err)
				return
			}
			b, err := json.Marshal(r)
			var t T
			if err == nil {
				err = json.Unmarshal(b, &t)
			}
			if err != nil {
				yield(nil, fmt.Errorf("jumpcloud: decoding a %s row: %w", table, err))
				return
			}
			if !yield(&t, nil) {
				return
			}
		}
	}
}

// SystemInfo reads the system_info table: serial, vendor, model, CPU and
// memory, one row per system.
func (s *InsightsService) SystemInfo(ctx context.Context, opts *InsightsOptions) iter.Seq2[*SystemInfo, error] {
	return typedRows[SystemInfo](ctx, s, TableSystemInfo, opts)
}

// OSVersion reads the os_version table, one row per system.
func (s *InsightsService) OSVersion(ctx context.Context, opts *InsightsOptions) iter.Seq2[*OSVersion, error] {
	return typedRows[OSVersion](ctx, s, TableOSVersion, opts)
}

// ChassisInfo reads the chassis_info table (Windows and Linux).
func (s *InsightsService) ChassisInfo(ctx context.Context, opts *InsightsOptions) iter.Seq2[*ChassisInfo, error] {
	return typedRows[ChassisInfo](ctx, s, TableChassisInfo, opts)
}

// DiskInfo reads the disk_info table, one row per disk.
func (s *InsightsService) DiskInfo(ctx context.Context, opts *InsightsOptions) iter.Seq2[*DiskInfo, error] {
	return typedRows[DiskInfo](ctx, s, TableDiskInfo, opts)
}

// Battery reads the battery table (laptops).
func (s *InsightsService) Battery(ctx context.Context, opts *InsightsOptions) iter.Seq2[*Battery, error] {
	return typedRows[Battery](ctx, s, TableBattery, opts)
}

// SystemInfo is a row of system_info.
type SystemInfo struct {
	SystemID         string `json:"system_id"`
	CollectionTime   string `json:"collection_time"`
	ComputerName     string `json:"computer_name"`
	CPUBrand         string `json:"cpu_brand"`
	CPULogicalCores  int    `json:"cpu_logical_cores"`
	CPUMicrocode     string `json:"cpu_microcode"`
	CPUPhysicalCores int    `json:"cpu_physical_cores"`
	CPUSubtype       string `json:"cpu_subtype"`
	CPUType          string `json:"cpu_type"`
	HardwareModel    string `json:"hardware_model"`
	HardwareSerial   string `json:"hardware_serial"`
	HardwareVendor   string `json:"hardware_vendor"`
	HardwareVersion  string `json:"hardware_version"`
	Hostname         string `json:"hostname"`
	LocalHostname    string `json:"local_hostname"`
	PhysicalMemory   string `json:"physical_memory"`
	UUID             string `json:"uuid"`
}

// OSVersion is a row of os_version.
type OSVersion struct {
	SystemID       string `json:"system_id"`
	CollectionTime string `json:"collection_time"`
	Build          string `json:"build"`
	Codename       string `json:"codename"`
	InstallDate    string `json:"install_date"`
	Major          int    `json:"major"`
	Minor          int    `json:"minor"`
	Name           string `json:"name"`
	Patch          int    `json:"patch"`
	Platform       string `json:"platform"`
	PlatformLike   string `json:"platform_like"`
	Version        string `json:"version"`
}

// ChassisInfo is a row of chassis_info.
type ChassisInfo struct {
	SystemID          string `json:"system_id"`
	CollectionTime    string `json:"collection_time"`
	AudibleAlarm      string `json:"audible_alarm"`
	BreachDescription string `json:"breach_description"`
	ChassisTypes      string `json:"chassis_types"`
	Description       string `json:"description"`
	Lock              string `json:"lock"`
	Manufacturer      string `json:"manufacturer"`
	Model             string `json:"model"`
	SecurityBreach    string `json:"security_breach"`
	Serial            string `json:"serial"`
	SKU               string `json:"sku"`
	SMBIOSTag         string `json:"smbios_tag"`
	Status            string `json:"status"`
	VisibleAlarm      string `json:"visible_alarm"`
}

// DiskInfo is a row of disk_info.
type DiskInfo struct {
	SystemID       string `json:"system_id"`
	CollectionTime string `json:"collection_time"`
	Description    string `json:"description"`
	DiskIndex      int    `json:"disk_index"`
	DiskSize       string `json:"disk_size"`
	HardwareModel  string `json:"hardware_model"`
	ID             string `json:"id"`
	Manufacturer   string `json:"manufacturer"`
	Name           string `json:"name"`
	Partitions     int    `json:"partitions"`
	PNPDeviceID    string `json:"pnp_device_id"`
	Serial         string `json:"serial"`
	Type           string `json:"type"`
}

// Battery is a row of battery.
type Battery struct {
	SystemID            string `json:"system_id"`
	CollectionTime      string `json:"collection_time"`
	Amperage            int    `json:"amperage"`
	Charged             int    `json:"charged"`
	Charging            int    `json:"charging"`
	Condition           string `json:"condition"`
	CurrentCapacity     int    `json:"current_capacity"`
	CycleCount          int    `json:"cycle_count"`
	DesignedCapacity    int    `json:"designed_capacity"`
	Health              string `json:"health"`
	ManufactureDate     int    `json:"manufacture_date"`
	Manufacturer        string `json:"manufacturer"`
	MaxCapacity         int    `json:"max_capacity"`
	MinutesToFullCharge int    `json:"minutes_to_full_charge"`
	MinutesUntilEmpty   int    `json:"minutes_until_empty"`
	Model               string `json:"model"`
	PercentRemaining    int    `json:"percent_remaining"`
	SerialNumber        string `json:"serial_number"`
	State               string `json:"state"`
	Voltage             int    `json:"voltage"`
}
