package sim

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestQueueDeliversInOrder: whatever the mix of pushes, pops and removals
// from the middle (a message delivered or dropped by hand), the queue
// gives envelopes back smallest (DeliverAt, ID) first, as a sorted list
// of what is left would.
func TestQueueDeliversInOrder(t *testing.T) {
	random := rand.New(rand.NewPCG(15, 1))
	var q queue
	var model []queueKey // what is in flight, sorted
	id := uint64(0)
	for step := range 20000 {
		switch choice := random.IntN(10); {
		case choice < 5 || len(model) == 0:
			id++
			e := Envelope{ID: id, DeliverAt: time.Duration(random.IntN(50))}
			q.push(e)
			model = append(model, queueKey{deliverAt: e.DeliverAt, id: e.ID})
			slices.SortFunc(model, compareKeys)
		case choice < 8:
			e := q.pop()
			if e.ID != model[0].id {
				t.Fatalf("step %d: pop gave envelope %d, want %d", step, e.ID, model[0].id)
			}
			model = model[1:]
		default:
			victim := model[random.IntN(len(model))]
			i := q.find(victim.id)
			if i < 0 {
				t.Fatalf("step %d: envelope %d not found", step, victim.id)
			}
			if e := q.removeAt(i); e.ID != victim.id {
				t.Fatalf("step %d: removeAt gave envelope %d, want %d", step, e.ID, victim.id)
			}
			model = slices.DeleteFunc(model, func(key queueKey) bool { return key.id == victim.id })
		}
		if q.len() != len(model) {
			t.Fatalf("step %d: %d envelopes in flight, want %d", step, q.len(), len(model))
		}
	}
	kept := q.removeIf(func(e *Envelope) bool { return e.ID%2 == 0 })
	for _, e := range kept {
		if e.ID%2 != 0 {
			t.Fatalf("removeIf took envelope %d", e.ID)
		}
	}
	for q.len() > 0 {
		model = slices.DeleteFunc(model, func(key queueKey) bool { return key.id%2 == 0 })
		if e := q.pop(); e.ID != model[0].id {
			t.Fatalf("after removeIf: pop gave envelope %d, want %d", e.ID, model[0].id)
		}
		model = model[1:]
	}
}
