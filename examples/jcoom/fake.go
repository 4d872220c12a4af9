package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/jcoom/jcoom/jumpcloud/jumpcloudtest"
	"github.com/jcoom/jcoom/oomnitza/oomnitzatest"
)

func (a *app) fakeCmd() *cobra.Command {
	var users, devices int
	var seed uint64
	var latency time.Duration
	cmd := &cobra.Command{
		Use:   "fake",
		Short: "Start fake JumpCloud and Oomnitza APIs on loopback, to try every command",
		Long: `fake starts both fakes of the jcoom SDK on loopback: JumpCloud with generated
users and devices, and an empty Oomnitza instance with a "JumpCloud User Id"
People field and a "JumpCloud System Id" asset field. It
prints the environment to export in another shell, with fresh credentials
for this run, and serves until interrupted.`,
		Example: "  jcoom fake --users 500\n  # in another shell, after the exports it prints:\n  jcoom plan --role 25",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if users < 0 || users > 1_000_000 {
				return usageError("--users %d: want 0 to 1000000", users)
			}
			if devices < 0 || devices > 1_000_000 {
				return usageError("--devices %d: want 0 to 1000000", devices)
			}
			key, token := randomSecret("jc"), randomSecret("oz")
			js := jumpcloudtest.NewServer(jumpcloudtest.WithGeneratedUsers(users, seed), jumpcloudtest.WithGeneratedSystems(devices, seed), jumpcloudtest.WithAPIKey(key), jumpcloudtest.WithLatency(latency))
			defer js.Close()
			os := oomnitzatest.NewServer(oomnitzatest.WithField(oomnitzatest.JumpCloudUserIDField()), oomnitzatest.WithAssetField(oomnitzatest.JumpCloudSystemIDField()), oomnitzatest.WithToken(token), oomnitzatest.WithLatency(latency))
			defer os.Close()
			a.printf("# jcoom fake: JumpCloud with %d users and %d devices at %s, Oomnitza at %s\n", users, devices, js.URL, os.URL)
			a.printf("# Export these in another shell (credentials for this run only):\n")
			a.printf("export %s=%s\nexport %s=%s\nexport %s=%s\nexport %s=%s\n",
				envJumpCloudBase, js.URL, envJumpCloudKey, key, envOomnitzaURL, os.URL, envOomnitzaToken, token)
			a.printf("# Then try: jcoom mapping suggest; jcoom plan --role 25 --out plan.json; jcoom apply --role 25 plan.json\n")
			a.printf("# and, once the people are in: jcoom sync --role 25; jcoom plan --kind assets; jcoom sync --kind assets\n")
			a.printf("# Oomnitza roles: ")
			roles := oomnitzatest.DefaultRoles()
			for _, id := range slices.Sorted(maps.Keys(roles)) {
				a.printf("%d=%s ", id, roles[id])
			}
			a.printf("\n# Serving until interrupted (Ctrl-C).\n")
			<-cmd.Context().Done()
			fmt.Fprintf(a.err, "jcoom fake: stopped after %d JumpCloud and %d Oomnitza requests\n", total(js.Calls()), total(os.Calls()))
			return nil
		},
	}
	cmd.Flags().IntVar(&users, "users", 200, "JumpCloud users to generate")
	cmd.Flags().IntVar(&devices, "devices", 300, "JumpCloud devices (systems) to generate, bound to the users")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "seed of the generated users and devices")
	cmd.Flags().DurationVar(&latency, "latency", 0, "added latency per request, e.g. 20ms")
	return cmd
}

func randomSecret(prefix string) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return prefix + "-fake-" + hex.EncodeToString(b)
}

func total(calls map[string]int) int {
	n := 0
	for _, c := range calls {
		n += c
	}
	return n
}
