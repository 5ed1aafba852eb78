import Testing

@testable import Kexue

@Suite struct LearningRateScheduleTests {
    @Test func schedules() {
        #expect(LearningRateSchedule.constant(0.3).rate(at: 1000) == 0.3)
        let warm = LearningRateSchedule.warmupConstant(peak: 1, warmupSteps: 4)
        #expect((0..<6).map { warm.rate(at: $0) } == [0, 0.25, 0.5, 0.75, 1, 1])
        let decay = LearningRateSchedule.warmupLinearDecay(peak: 1, warmupSteps: 2, totalSteps: 6)
        #expect((0..<8).map { decay.rate(at: $0) } == [0, 0.5, 1, 0.75, 0.5, 0.25, 0, 0])
    }
}
