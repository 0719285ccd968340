package tours

import (
	"testing"

	"jiraauthlab/contract"
)

func TestSchemeLast(t *testing.T) {
	basic := contract.Header{Name: "Authorization", Value: "Basic ZnJlZDpmcmVk"}
	bearer := contract.Header{Name: "Authorization", Value: "Bearer NjQ0"}
	cookie := contract.Header{Name: contract.HeaderCookie, Value: "JSESSIONID=A"}
	log := []contract.Exchange{ // newest first
		{Target: CloudTarget, TargetURL: "http://127.0.0.1:8090/cloud", Sandbox: true, Status: 401, RequestHeader: []contract.Header{basic}},
		{Target: "sandbox", Status: 403, RequestHeader: []contract.Header{basic}},
		{Target: "sandbox", Status: 200, RequestHeader: []contract.Header{basic}},
		{Target: "sandbox", Status: 0, RequestHeader: []contract.Header{bearer}},
		{Target: "sandbox", Status: 200, RequestHeader: []contract.Header{cookie}},
	}
	for _, tt := range []struct {
		row    int
		cloud  bool
		status int
		ok     bool
	}{
		{0, false, 403, true}, {0, true, 401, true}, {1, true, 401, true},
		{2, false, 0, false}, // the failed fetch is no answer
		{3, false, 200, true}, {3, true, 0, false},
	} {
		s := Schemes[tt.row]
		if status, ok := s.Last(log, tt.cloud); status != tt.status || ok != tt.ok {
			t.Errorf("%s on cloud=%v: %d %v; want %d %v", s.Name, tt.cloud, status, ok, tt.status, tt.ok)
		}
	}
}
