package jumpcloudtest

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jcoom/jcoom/jumpcloud"
)

// GeneratedSystem is a generated device: the system object and its System
// Insights rows by table (no rows when System Insights is disabled).
type GeneratedSystem struct {
	System   *jumpcloud.System
	Insights map[string][]map[string]any
}

// deviceModel is a kind of device the generator makes.
type deviceModel struct {
	vendor, model, ident string // hwVendor, marketing model, hardware_model
	os, osFamily, arch   string
	chassis              string // chassis_types; "" on macOS (no chassis_info)
	laptop, virtual      bool
	cpu                  string
	memoryGB             int
	serial               func(r *rand.Rand) string
}

func serialOf(prefix string, n int, alphabet string) func(*rand.Rand) string {
	return func(r *rand.Rand) string {
		b := []byte(prefix)
		for range n {
			b = append(b, alphabet[r.IntN(len(alphabet))])
		}
		return string(b)
	}
}

const serialAlphabet = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"

// deviceModels, weighted by repetition: mostly Mac laptops, then Windows
// laptops and desktops, a few Linux workstations and virtual machines
// (which have no serial number).
var deviceModels = func() []deviceModel {
	mbp := deviceModel{vendor: "Apple Inc.", model: "MacBook Pro (14-inch, 2023)", ident: "Mac15,6", os: "Mac OS X", osFamily: "darwin", arch: "arm64",
		laptop: true, cpu: "Apple M3 Pro", memoryGB: 18, serial: serialOf("C", 9, serialAlphabet)}
	mba := deviceModel{vendor: "Apple Inc.", model: "MacBook Air (13-inch, M2, 2022)", ident: "Mac14,2", os: "Mac OS X", osFamily: "darwin", arch: "arm64",
		laptop: true, cpu: "Apple M2", memoryGB: 16, serial: serialOf("F", 9, serialAlphabet)}
	lat := deviceModel{vendor: "Dell Inc.", model: "Latitude 7440", ident: "Latitude 7440", os: "Windows", osFamily: "windows", arch: "x86_64",
		chassis: "Notebook", laptop: true, cpu: "13th Gen Intel(R) Core(TM) i7-1365U", memoryGB: 32, serial: serialOf("", 7, serialAlphabet)}
	tp := deviceModel{vendor: "LENOVO", model: "ThinkPad X1 Carbon Gen 11", ident: "21HMCTO1WW", os: "Windows", osFamily: "windows", arch: "x86_64",
		chassis: "Notebook", laptop: true, cpu: "13th Gen Intel(R) Core(TM) i7-1355U", memoryGB: 16, serial: serialOf("PF", 6, serialAlphabet)}
	opt := deviceModel{vendor: "Dell Inc.", model: "OptiPlex 7010", ident: "OptiPlex 7010", os: "Windows", osFamily: "windows", arch: "x86_64",
		chassis: "Desktop", cpu: "13th Gen Intel(R) Core(TM) i5-13500", memoryGB: 16, serial: serialOf("", 7, serialAlphabet)}
	xps := deviceModel{vendor: "Dell Inc.", model: "XPS 13 9340", ident: "XPS 13 9340", os: "Ubuntu", osFamily: "linux", arch: "x86_64",
		chassis: "Notebook", laptop: true, cpu: "Intel(R) Core(TM) Ultra 7 155H", memoryGB: 32, serial: serialOf("", 7, serialAlphabet)}
	vm := deviceModel{vendor: "QEMU", model: "Standard PC (Q35 + ICH9, 2009)", ident: "Standard PC (Q35 + ICH9, 2009)", os: "Ubuntu", osFamily: "linux", arch: "x86_64",
		chassis: "Other", virtual: true, cpu: "Intel Xeon Processor (Icelake)", memoryGB: 8}
	out := []deviceModel{}
	for _, w := range []struct {
		m deviceModel
		n int
	}{{mbp, 30}, {mba, 20}, {lat, 18}, {tp, 12}, {opt, 8}, {xps, 8}, {vm, 4}} {
		for range w.n {
			out = append(out, w.m)
		}
	}
	return out
}()

var osVersions = map[string][]struct{ name, version, build, codename string }{
	"darwin":  {{"macOS", "14.6.1", "23G93", "Sonoma"}, {"macOS", "15.1", "24B83", "Sequoia"}, {"macOS", "15.2", "24C101", "Sequoia"}},
	"windows": {{"Microsoft Windows 11 Pro", "10.0.22631", "22631", ""}, {"Microsoft Windows 11 Enterprise", "10.0.26100", "26100", ""}, {"Microsoft Windows 10 Pro", "10.0.19045", "19045", ""}},
	"linux":   {{"Ubuntu", "22.04.4 LTS (Jammy Jellyfish)", "", "jammy"}, {"Ubuntu", "24.04.1 LTS (Noble Numbat)", "", "noble"}},
}

// GenerateSystemsAt returns n realistic devices as they stand at now, the
// same for the same seed, now and users: Mac, Windows and Linux laptops
// and desktops with unique serial numbers, vendors, models, OS versions
// and System Insights rows (system_info, os_version, chassis_info outside
// macOS, disk_info, battery on laptops); about nine in ten bound to one of
// the users (primarySystemUser), preferring active ones; a few virtual
// machines without a serial number anywhere; some with System Insights
// disabled (no rows, so their hardware facts are unknown); about one in
// eight inactive for weeks.
func GenerateSystemsAt(n int, seed uint64, now time.Time, users []*jumpcloud.User) []GeneratedSystem {
	genEpoch := now.UTC().Truncate(time.Second)
	rng := rand.New(rand.NewPCG(seed^0x5157e3, seed*0x2545f4914f6cdd1d+7))
	var active []*jumpcloud.User
	for _, u := range users {
		if u.State == jumpcloud.StateActivated {
			active = append(active, u)
		}
	}
	if len(active) == 0 {
		active = users
	}
	serials := map[string]bool{}
	out := make([]GeneratedSystem, 0, n)
	start := genEpoch.AddDate(-2, 0, 0)
	step := genEpoch.Sub(start) / time.Duration(max(n, 1))
	for i := range n {
		m := deviceModels[rng.IntN(len(deviceModels))]
		created := start.Add(step*time.Duration(i) + time.Duration(rng.Int64N(int64(max(step, time.Second)))))
		osv := osVersions[m.osFamily][rng.IntN(len(osVersions[m.osFamily]))]
		serial := ""
		if m.serial != nil {
			for serial == "" || serials[serial] {
				serial = m.serial(rng)
			}
			serials[serial] = true
		}
		var owner *jumpcloud.User
		if len(active) > 0 && !m.virtual && rng.IntN(10) != 0 {
			owner = active[rng.IntN(len(active))]
		}
		name := fmt.Sprintf("ws-%04d", i+1)
		if owner != nil {
			name = strings.ReplaceAll(owner.Username, ".", "-") + "-" + shortModel(m)
		} else if m.virtual {
			name = fmt.Sprintf("build-vm-%03d", i+1)
		}
		lastContact := genEpoch.Add(-time.Duration(rng.IntN(36*60)) * time.Minute)
		isActive := true
		if rng.IntN(8) == 0 {
			lastContact = genEpoch.Add(-time.Duration(14+rng.IntN(60)) * 24 * time.Hour)
			isActive = false
		}
		insightsOn := rng.IntN(12) != 0
		sys := &jumpcloud.System{
			ID:                             fmt.Sprintf("%08x%016x", uint32(created.Unix()), rng.Uint64()),
			Active:                         isActive,
			AgentVersion:                   fmt.Sprintf("2.%d.%d", 140+rng.IntN(10), rng.IntN(5)),
			AllowMultiFactorAuthentication: rng.IntN(2) == 0,
			AllowPublicKeyAuthentication:   m.osFamily != "windows",
			Arch:                           m.arch,
			ArchFamily:                     map[string]string{"arm64": "arm", "x86_64": "x86"}[m.arch],
			Created:                        jumpcloud.Timestamp{Time: created.Truncate(time.Millisecond)},
			DisplayName:                    name,
			FDE:                            &jumpcloud.FDE{Active: !m.virtual && rng.IntN(20) != 0, KeyPresent: !m.virtual},
			Hostname:                       name + map[string]string{"darwin": ".local", "windows": "", "linux": ""}[m.osFamily],
			HWVendor:                       m.vendor,
			LastContact:                    jumpcloud.Timestamp{Time: lastContact},
			NetworkInterfaces: []jumpcloud.NetworkInterface{
				{Address: "127.0.0.1", Family: "IPv4", Internal: true, Name: "lo0"},
				{Address: fmt.Sprintf("10.%d.%d.%d", rng.IntN(8), rng.IntN(256), 2+rng.IntN(250)), Family: "IPv4", Name: "en0"},
			},
			OS:              m.os,
			OSFamily:        m.osFamily,
			OSVersionDetail: &jumpcloud.OSVersionDetail{OSName: osv.name, Version: osv.version, ReleaseName: osv.codename},
			RemoteIP:        fmt.Sprintf("203.0.113.%d", 1+rng.IntN(254)),
			SerialNumber:    serial,
			SystemInsights:  &jumpcloud.SystemInsightsState{State: map[bool]string{true: "enabled", false: "disabled"}[insightsOn]},
			SystemTimezone:  []int{-480, -300, 0, 60, 540}[rng.IntN(5)],
			Version:         osv.version,
			DesktopCapable:  !m.virtual,
			UserMetrics:     []jumpcloud.UserMetric{},
		}
		if owner != nil {
			sys.PrimarySystemUser = &jumpcloud.PrimarySystemUser{ID: owner.ID}
			sys.UserMetrics = []jumpcloud.UserMetric{{UserName: owner.Username, Managed: true, Admin: rng.IntN(5) == 0}}
		}
		if m.osFamily == "darwin" {
			sys.MDM = &jumpcloud.MDM{Vendor: "internal", UserApproved: true, DEP: rng.IntN(3) != 0}
		}
		g := GeneratedSystem{System: sys, Insights: map[string][]map[string]any{}}
		if insightsOn {
			collected := lastContact.Format(time.RFC3339)
			g.Insights[jumpcloud.TableSystemInfo] = []map[string]any{{
				"collection_time": collected, "computer_name": name, "hostname": sys.Hostname, "local_hostname": name,
				"cpu_brand": m.cpu, "cpu_type": m.arch, "cpu_subtype": map[string]string{"arm64": "ARM64E", "x86_64": "Intel x86-64h Haswell"}[m.arch],
				"cpu_physical_cores": 4 + 2*rng.IntN(4), "cpu_logical_cores": 8 + 4*rng.IntN(3), "cpu_microcode": "",
				"hardware_model": m.ident, "hardware_serial": serial, "hardware_vendor": m.vendor, "hardware_version": "1.0",
				"physical_memory": fmt.Sprint(int64(m.memoryGB) << 30), "uuid": fmt.Sprintf("%08X-%04X-%04X-%04X-%012X", rng.Uint32(), rng.IntN(1<<16), rng.IntN(1<<16), rng.IntN(1<<16), rng.Int64N(1<<48)),
			}}
			major, minor, patch := versionParts(osv.version)
			g.Insights[jumpcloud.TableOSVersion] = []map[string]any{{
				"collection_time": collected, "name": osv.name, "version": osv.version, "major": major, "minor": minor, "patch": patch,
				"build": osv.build, "codename": osv.codename, "platform": m.osFamily, "platform_like": m.osFamily,
				"install_date": created.Format(time.RFC3339),
			}}
			if m.chassis != "" {
				g.Insights[jumpcloud.TableChassisInfo] = []map[string]any{{
					"collection_time": collected, "chassis_types": m.chassis, "manufacturer": m.vendor, "model": m.model,
					"serial": serial, "sku": "", "smbios_tag": "", "status": "", "lock": "FALSE", "security_breach": "None",
				}}
			}
			disks := []map[string]any{{
				"collection_time": collected, "disk_index": 0, "disk_size": fmt.Sprint(int64(256<<rng.IntN(3)) << 30),
				"hardware_model": "APPLE SSD AP0512Z", "manufacturer": m.vendor, "name": "disk0", "partitions": 2, "type": "SSD",
				"serial": fmt.Sprintf("S%09d", rng.IntN(1e9)), "id": "disk0", "description": "Internal SSD", "pnp_device_id": "",
			}}
			if m.chassis == "Desktop" {
				disks = append(disks, map[string]any{
					"collection_time": collected, "disk_index": 1, "disk_size": fmt.Sprint(int64(2000) << 30),
					"hardware_model": "ST2000DM008", "manufacturer": "Seagate", "name": "disk1", "partitions": 1, "type": "HDD",
					"serial": fmt.Sprintf("Z%08d", rng.IntN(1e8)), "id": "disk1", "description": "Data disk", "pnp_device_id": "",
				})
			}
			g.Insights[jumpcloud.TableDiskInfo] = disks
			if m.laptop {
				cycles := rng.IntN(900)
				health := "Good"
				if cycles > 700 {
					health = "Fair"
				}
				g.Insights[jumpcloud.TableBattery] = []map[string]any{{
					"collection_time": collected, "health": health, "condition": "Normal", "cycle_count": cycles,
					"designed_capacity": 6000, "max_capacity": 6000 - cycles*2, "current_capacity": 3000, "manufacturer": m.vendor,
					"model": "bq40z651", "serial_number": fmt.Sprintf("B%010d", rng.Int64N(1e10)), "state": "AC Power",
					"manufacture_date": created.AddDate(0, -2, 0).Unix(), "percent_remaining": 50 + rng.IntN(50),
				}}
			}
		}
		out = append(out, g)
	}
	return out
}

func shortModel(m deviceModel) string {
	switch {
	case strings.HasPrefix(m.model, "MacBook Pro"):
		return "mbp"
	case strings.HasPrefix(m.model, "MacBook Air"):
		return "mba"
	case strings.HasPrefix(m.model, "ThinkPad"):
		return "x1"
	case strings.HasPrefix(m.model, "OptiPlex"):
		return "desk"
	}
	return "lt"
}

func versionParts(v string) (major, minor, patch int) {
	_, _ = fmt.Sscanf(v, "%d.%d.%d", &major, &minor, &patch)
	return major, minor, patch
}
